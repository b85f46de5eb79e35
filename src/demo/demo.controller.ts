import { Body, Controller, Get, Inject, NotFoundException, Post, Req, Res, VERSION_NEUTRAL } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../auth/decorators/access.decorator';
import { DEMO_FILES, DemoFile } from './demo-files';
import { DemoSignInDto } from './demo-sign-in.dto';
import { DemoService } from './demo.service';

/** The sandbox's demo page (`/demo`), its files, and its stand-in for a tenant backend's sign-in. */
@ApiExcludeController()
@Public()
@Controller({ path: 'demo', version: VERSION_NEUTRAL })
export class DemoController {
  constructor(
    private readonly demo: DemoService,
    @Inject(DEMO_FILES) private readonly files: Map<string, DemoFile>,
  ) {}

  @Get()
  page(@Res() reply: FastifyReply): void {
    this.send(reply, 'index.html');
  }

  @Get('*')
  file(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    this.send(reply, decodeURIComponent(new URL(request.url, 'http://demo').pathname.slice('/demo/'.length)));
  }

  @Post('sign-in')
  async signIn(@Body() body: DemoSignInDto, @Res() reply: FastifyReply): Promise<void> {
    const { status, body: answer } = await this.demo.signIn(body.userId);
    void reply.status(status).header('cache-control', 'no-store').send(answer);
  }

  private send(reply: FastifyReply, name: string): void {
    const file = this.files.get(name);
    if (!file) throw new NotFoundException();
    void reply.header('content-type', file.contentType).header('cache-control', 'no-cache').send(file.body);
  }
}
